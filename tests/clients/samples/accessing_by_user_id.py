import json
import requests

user_id = '85211553'
start_time = '2020-02-23'
end_time = '2020-02-29'
api_token = '6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv'
url = f'https://coolbikes.zendesk.com/api/v2/users/{user_id}/events'
params = {
    'filter[start_time]': start_time,
    'filter[end_time]': end_time
}
credentials = '[email protected]/token', api_token
response = requests.get(url, params=params, auth=credentials)
if response.status_code != 200:
    print(f'{response.status_code}: {response.text}')
else:
    print(response.json())
