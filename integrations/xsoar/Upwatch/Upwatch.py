"""Upwatch for Cortex XSOAR: search file events, triage alerts, manage watchlists, risk profiles,
legal holds and upload blocks, run the offboarding lookback, and fetch alerts as incidents.

Commands mirror the Code42 Incydr integration's. Every call goes to the Upwatch console's API
(docs/console-api.md) with an API key; the key's role decides what the commands may do (analyst for
triage, watchlists and blocks; admin for legal holds).
"""
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import demistomock as demisto  # noqa: F401
from CommonServerPython import *  # noqa: F401,F403

INTEGRATION = 'Upwatch'
ALERT_STATES = ('OPEN', 'PENDING', 'CLOSED_TP', 'CLOSED_FP')
# XSOAR incident severity: 0 unknown, 0.5 informational, 1 low, 2 medium, 3 high, 4 critical.
SEVERITY_TO_XSOAR = {'none': 0.5, 'low': 1, 'moderate': 2, 'high': 3, 'critical': 4}
PAGE = 500


class Client(BaseClient):
    """The console's API. Paths are the stable names of DESIGN.md."""

    def __init__(self, base_url, api_key, verify=True, proxy=False):
        super().__init__(base_url=base_url.rstrip('/') + '/api/v1', verify=verify, proxy=proxy,
                         headers={'Authorization': f'Bearer {api_key}', 'Accept': 'application/json'})

    def get(self, path, params=None):
        return self._http_request('GET', path, params=params)

    def send(self, method, path, body=None):
        return self._http_request(method, path, json_data=body)


def person(args, key='username'):
    value = (args.get(key) or '').strip()
    if not value:
        raise DemistoException(f'{key} is required (the person\'s email)')
    return quote(value, safe='@')


def since(value):
    """`3 days`, `12 hours`, `30 minutes` or an ISO 8601 instant, as the ISO instant the console takes."""
    if not value:
        return None
    parts = str(value).strip().split()
    if len(parts) == 2 and parts[0].isdigit():
        unit = parts[1].rstrip('s').lower()
        spans = {'minute': 60, 'hour': 3600, 'day': 86400, 'week': 604800}
        if unit not in spans:
            raise DemistoException(f'unknown time unit in "{value}": use minutes, hours, days or weeks')
        at = datetime.now(timezone.utc) - timedelta(seconds=int(parts[0]) * spans[unit])
        return at.isoformat(timespec='milliseconds').replace('+00:00', 'Z')
    return str(value).strip()


def flatten_event(e):
    """The fields a playbook reads, at the top level (Code42.FileEvent's shape)."""
    return {
        'id': e.get('id'), 'observedAt': e.get('observedAt'), 'user': (e.get('user') or {}).get('email'),
        'fileName': e['file']['name'], 'fileSize': e['file']['size'], 'fileCategory': e['file']['category'],
        'destinationHost': e['destination']['host'], 'destinationCategory': e['destination']['category'],
        'destinationName': e['destination'].get('serviceName'), 'url': e['destination']['url'],
        'riskScore': e['risk']['score'], 'severity': e['risk']['severity'],
        'indicators': [i['id'] for i in e['risk']['indicators']],
        'outcome': (e.get('response') or {}).get('outcome'),
    }


def file_events_search(client, args):
    params = {'user': args.get('username'), 'minScore': args.get('min_risk_score'), 'minSeverity': args.get('min_severity'),
              'destinationCategory': args.get('destination_category'), 'fileName': args.get('file_name'),
              'outcome': args.get('outcome'), 'observedFrom': since(args.get('observed_from')), 'observedTo': since(args.get('observed_to'))}
    params = {k: v for k, v in params.items() if v not in (None, '')}
    if not params:
        raise DemistoException('give at least one filter: username, min_risk_score, min_severity, destination_category, file_name, outcome or observed_from')
    limit = arg_to_number(args.get('limit')) or 50
    events, cursor = [], None
    while len(events) < limit:
        page = client.get('/events', {**params, 'limit': min(PAGE, limit - len(events)), **({'cursor': cursor} if cursor else {})})
        events += page['events']
        cursor = page.get('nextCursor')
        if not cursor:
            break
    rows = [flatten_event(e) for e in events]
    return CommandResults(outputs_prefix=f'{INTEGRATION}.FileEvent', outputs_key_field='id', outputs=rows, raw_response=events,
                          readable_output=tableToMarkdown(f'Upwatch file events ({len(rows)})', rows,
                                                          headers=['observedAt', 'user', 'fileName', 'destinationHost', 'severity', 'riskScore', 'outcome']))


def alert_get(client, args):
    alert = client.get(f'/alerts/{quote(args["id"], safe="")}', {'eventsLimit': arg_to_number(args.get('events_limit')) or 50})
    alert['events'] = [flatten_event(e) for e in alert.get('events', [])]
    return CommandResults(outputs_prefix=f'{INTEGRATION}.Alert', outputs_key_field='id', outputs=alert,
                          readable_output=tableToMarkdown('Upwatch alert', [alert], headers=['id', 'ruleName', 'user', 'state', 'severity', 'eventCount', 'createdAt']))


def alert_update(client, args):
    body = {}
    state = (args.get('state') or '').upper()
    if state:
        if state not in ALERT_STATES:
            raise DemistoException(f'state must be one of {", ".join(ALERT_STATES)}')
        body['state'] = state
    if args.get('assignee'):
        body['assignee'] = args['assignee']
    if args.get('note'):
        body['note'] = args['note']
    alert = client.send('PATCH', f'/alerts/{quote(args["id"], safe="")}', body)
    return CommandResults(outputs_prefix=f'{INTEGRATION}.Alert', outputs_key_field='id', outputs=alert,
                          readable_output=f'Upwatch alert {alert["id"]} is {alert["state"]}.')


def watchlists_list(client, args):
    lists = client.get('/watchlists')['watchlists']
    return CommandResults(outputs_prefix=f'{INTEGRATION}.Watchlist', outputs_key_field='id', outputs=lists,
                          readable_output=tableToMarkdown('Upwatch watchlists', lists, headers=['id', 'name', 'memberCount', 'syncToBrowsers']))


def watchlist_add_user(client, args):
    body = {'email': args.get('username')}
    if args.get('note'):
        body['notes'] = args['note']
    if args.get('departure_date'):
        body['departureDate'] = args['departure_date']
    answer = client.send('POST', f'/watchlists/{quote(args["watchlist"], safe="")}/members', body)
    out = {'watchlist': answer['watchlist'], **answer['member'], 'username': answer['member']['email'], 'isAdded': True}
    return CommandResults(outputs_prefix=f'{INTEGRATION}.UsersWatchlists', outputs_key_field=['watchlist', 'username'], outputs=out,
                          readable_output=f'{out["username"]} is on the Upwatch watchlist {out["watchlist"]}.')


def watchlist_remove_user(client, args):
    answer = client.send('DELETE', f'/watchlists/{quote(args["watchlist"], safe="")}/members/{person(args)}')
    out = {'watchlist': answer['watchlist'], 'username': answer['removed']['email'], 'isRemoved': True}
    return CommandResults(outputs_prefix=f'{INTEGRATION}.UsersWatchlists', outputs_key_field=['watchlist', 'username'], outputs=out,
                          readable_output=f'{out["username"]} is no longer on the Upwatch watchlist {out["watchlist"]}.')


def watchlist_list_members(client, args):
    limit = arg_to_number(args.get('limit')) or 100
    members, cursor = [], None
    while len(members) < limit:
        page = client.get(f'/watchlists/{quote(args["watchlist"], safe="")}/members',
                          {'limit': min(PAGE, limit - len(members)), **({'cursor': cursor} if cursor else {})})
        members += page['members']
        cursor = page.get('nextCursor')
        if not cursor:
            break
    out = [{'watchlist': args['watchlist'], 'username': m['email'], **m} for m in members]
    return CommandResults(outputs_prefix=f'{INTEGRATION}.WatchlistMember', outputs_key_field=['watchlist', 'username'], outputs=out,
                          readable_output=tableToMarkdown(f'Members of {args["watchlist"]}', out, headers=['username', 'departureDate', 'notes', 'addedAt']))


def profile_output(profile):
    return CommandResults(outputs_prefix=f'{INTEGRATION}.User', outputs_key_field='email', outputs=profile,
                          readable_output=tableToMarkdown(f'Upwatch risk profile of {profile["email"]}', [{
                              **profile, 'watchlists': ', '.join(w['watchlist'] for w in profile['watchlists']),
                              'legalHolds': ', '.join(h['matter'] for h in profile['legalHolds'])}],
                              headers=['email', 'startDate', 'departureDate', 'managerEmail', 'watchlists', 'legalHolds', 'eventCount']))


def user_profile_get(client, args):
    return profile_output(client.get(f'/users/{person(args)}'))


def user_profile_update(client, args):
    fields = {'start_date': 'startDate', 'end_date': 'departureDate', 'manager_email': 'managerEmail', 'notes': 'notes'}
    # `clear` empties a field; an argument not given leaves it as it is.
    body = {api: (None if args[arg] == 'clear' else args[arg]) for arg, api in fields.items() if args.get(arg)}
    if not body:
        raise DemistoException('give start_date, end_date, manager_email or notes')
    return profile_output(client.send('PATCH', f'/users/{person(args)}', body))


def legal_hold(client, args, method):
    answer = client.send(method, '/legal-holds', {'email': args.get('username'), 'matter': args.get('matter')})
    hold = answer.get('hold') or answer.get('released')
    out = {**hold, 'username': hold['email'], 'active': method == 'POST'}
    verb = 'is under' if method == 'POST' else 'is released from'
    return CommandResults(outputs_prefix=f'{INTEGRATION}.LegalHold', outputs_key_field=['username', 'matter'], outputs=out,
                          readable_output=f'{out["username"]} {verb} legal hold for matter "{out["matter"]}".')


def user_block(client, args, method):
    body = {'reason': args['reason']} if method == 'POST' and args.get('reason') else None
    answer = client.send(method, f'/users/{person(args)}/block', body)
    out = {'username': answer['email'], 'blocked': answer['blocked'], 'wasBlocked': answer['wasBlocked'], 'cautions': answer['cautions']}
    text = f'Uploads of {out["username"]} are {"blocked" if out["blocked"] else "allowed again"} from their browsers\' next settings sync.'
    if out['cautions']:
        text += '\n\nCautions:\n' + '\n'.join(f'- {c}' for c in out['cautions'])
    return CommandResults(outputs_prefix=f'{INTEGRATION}.UserBlock', outputs_key_field='username', outputs=out, readable_output=text)


def lookback(client, args):
    report = client.send('POST', f'/users/{person(args)}/lookback', {'days': arg_to_number(args.get('days')) or 90})
    csv = report.pop('csv')
    # The CSV goes to the war room as a file (attach it to the manager's mail); the rest to the context.
    return [CommandResults(outputs_prefix=f'{INTEGRATION}.Lookback', outputs_key_field='user', outputs=report, readable_output=report['summary']),
            fileResult(f'upwatch-lookback-{report["user"]}-{report["days"]}d.csv', csv)]


def alert_to_incident(alert):
    who = alert.get('user') or 'unknown user'
    return {'name': f'Upwatch: {alert["ruleName"]} ({who})', 'occurred': alert['createdAt'], 'dbotMirrorId': alert['id'],
            'severity': SEVERITY_TO_XSOAR.get(alert['severity'], 0), 'rawJSON': json.dumps(alert)}


def instant(value):
    return datetime.fromisoformat(str(value).replace('Z', '+00:00'))


def fetch_incidents(client, params, last_run):
    """New alerts, oldest first, by the console's creation cursor (`createdAfter`): the cursor moves
    on in lastRun together with the incidents it covers, so no alert comes twice and none is skipped.
    `notBefore` is fixed at the first run (the first-fetch window): older alerts are never fetched."""
    cursor = str(last_run.get('cursor') or '0')
    not_before = last_run.get('notBefore') if 'cursor' in last_run else since(params.get('first_fetch'))
    limit = arg_to_number(params.get('fetch_limit')) or 50
    query = {'createdAfter': cursor, 'limit': min(limit, PAGE)}
    if params.get('min_severity'):
        query['minSeverity'] = params['min_severity']
    page = client.get('/alerts', query)
    incidents = []
    for alert in page['alerts']:
        if not_before and instant(alert['createdAt']) < instant(not_before):
            continue
        if argToBoolean(params.get('include_events', False)):
            detail = client.get(f'/alerts/{quote(alert["id"], safe="")}', {'eventsLimit': 50})
            alert['events'] = [flatten_event(e) for e in detail.get('events', [])]
        incidents.append(alert_to_incident(alert))
    return incidents, {'cursor': page['nextCursor'], 'notBefore': not_before}


def test_module(client, params):
    who = client.get('/whoami')
    if who.get('role') not in ('analyst', 'admin'):
        return f'The API key has the role {who.get("role")}: Upwatch commands need analyst (legal holds: admin).'
    if argToBoolean(params.get('isFetch', False)):
        client.get('/alerts', {'createdAfter': '0', 'limit': 1})
    return 'ok'


COMMANDS = {
    'upwatch-file-events-search': file_events_search,
    'upwatch-alert-get': alert_get,
    'upwatch-alert-update': alert_update,
    'upwatch-watchlists-list': watchlists_list,
    'upwatch-watchlist-add-user': watchlist_add_user,
    'upwatch-watchlist-remove-user': watchlist_remove_user,
    'upwatch-watchlist-list-members': watchlist_list_members,
    'upwatch-user-profile-get': user_profile_get,
    'upwatch-user-profile-update': user_profile_update,
    'upwatch-legal-hold-add': lambda c, a: legal_hold(c, a, 'POST'),
    'upwatch-legal-hold-remove': lambda c, a: legal_hold(c, a, 'DELETE'),
    'upwatch-user-block': lambda c, a: user_block(c, a, 'POST'),
    'upwatch-user-unblock': lambda c, a: user_block(c, a, 'DELETE'),
    'upwatch-lookback': lookback,
}


def main():
    params = demisto.params()
    command = demisto.command()
    key = (params.get('credentials') or {}).get('password') or params.get('api_key')
    client = Client(params.get('url', ''), key, verify=not argToBoolean(params.get('insecure', False)), proxy=argToBoolean(params.get('proxy', False)))
    try:
        if command == 'test-module':
            return_results(test_module(client, params))
        elif command == 'fetch-incidents':
            incidents, next_run = fetch_incidents(client, params, demisto.getLastRun() or {})
            demisto.incidents(incidents)
            demisto.setLastRun(next_run)
        elif command in COMMANDS:
            return_results(COMMANDS[command](client, demisto.args()))
        else:
            raise NotImplementedError(f'{command} is not an Upwatch command')
    except Exception as e:  # XSOAR shows the message in the war room
        return_error(f'Failed to run {command}: {e}')


if __name__ in ('__main__', '__builtin__', 'builtins'):
    main()
