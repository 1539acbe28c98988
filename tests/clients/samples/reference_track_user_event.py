import requests
import json
from requests.auth import HTTPBasicAuth

url = "https://support.zendesk.com/api/v2/users/120077332/events"

payload = json.loads("""{
  "event": {
    "created_at": "2020-01-31T00:44:07+00:00",
    "description": "Order complete",
    "properties": {
      "billing": {
        "address1": "1019 Market St",
        "city": "San Francisco",
        "state": "CA",
        "zipcode": "94103"
      },
      "item": {
        "name": "Zendesk Swag"
      }
    },
    "source": "shoppingnow",
    "type": "checkout"
  },
  "profile": {
    "identifiers": [
      {
        "type": "email",
        "value": "[email protected]"
      },
      {
        "type": "external_id",
        "value": "0987654321"
      }
    ],
    "name": "Jane Smith",
    "source": "shoppingnow",
    "type": "customer"
  }
}""")
headers = {
	"Content-Type": "application/json",
}
email_address = 'your_email_address'
api_token = 'your_api_token'
# Use basic authentication
auth = HTTPBasicAuth(f'{email_address}/token', api_token)

response = requests.request(
	"POST",
	url,
	auth=auth,
	headers=headers,
	json=payload
)
