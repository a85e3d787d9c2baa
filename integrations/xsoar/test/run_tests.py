"""Runs every command of the Upwatch integration against a real running console, with the stand-in
XSOAR runtime of this folder. Standard library only (no pytest). Driven by
test/unit/integrations/xsoar.test.ts, which starts the console, seeds it and passes, in the
environment: UPWATCH_URL, UPWATCH_<ROLE>_KEY for each role, and UPWATCH_FIXTURES (a JSON file
with the users seeded and events to send later). Prints one JSON line per check and a summary
line last; exits 1 when a check failed."""
import copy
import json
import os
import sys
import traceback
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, '..', 'Upwatch')]

import demistomock  # noqa: E402
import Upwatch  # noqa: E402

URL = os.environ['UPWATCH_URL']
KEYS = {role: os.environ[f'UPWATCH_{role.upper()}_KEY'] for role in ('ingest', 'read_only', 'analyst', 'admin')}
FIXTURES = json.load(open(os.environ['UPWATCH_FIXTURES']))
ALICE, BOB = FIXTURES['alice'], FIXTURES['bob']
tested = set()
failures = []


def run(command, args=None, role='admin', params=None, last_run=None):
    """One command as XSOAR runs it: params, args and lastRun in, results (or incidents) out."""
    tested.add(command)
    demistomock.reset(command, {'url': URL, 'credentials': {'password': KEYS[role]}, **(params or {})}, args, last_run)
    try:
        Upwatch.main()
    except SystemExit:  # return_error exits, as in XSOAR
        pass
    return copy.deepcopy(demistomock.state)  # the next run resets the runtime's state


def outputs(state, prefix):
    entry = state['results'][0]
    assert entry['Type'] == 1, f'expected a result, got {entry}'
    return entry['EntryContext'][prefix]


def error_of(state):
    entry = state['results'][-1]
    assert entry['Type'] == 4, f'expected an error entry, got {entry}'
    return entry['Contents']


def api(method, path, role, body=None):
    req = urllib.request.Request(URL + '/api/v1' + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Authorization': f'Bearer {KEYS[role]}', 'Content-Type': 'application/json'})
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read().decode() or 'null')


def ingest(event):
    api('POST', '/events', 'ingest', {'events': [event]})


def check(name):
    def wrap(fn):
        try:
            fn()
            print(json.dumps({'check': name, 'ok': True}), flush=True)
        except Exception:
            failures.append(name)
            print(json.dumps({'check': name, 'ok': False, 'error': traceback.format_exc()}), flush=True)
        return fn
    return wrap


@check('test-module answers ok for an analyst key, names the role for a read-only key, and fails on a wrong key')
def _():
    assert run('test-module', role='analyst', params={'isFetch': True})['results'] == ['ok']
    assert 'read_only' in run('test-module', role='read_only')['results'][0]
    KEYS['wrong'] = 'upw_key_' + 'A' * 43
    assert '401' in error_of(run('test-module', role='wrong'))


@check('fetch-incidents: each alert once, oldest first, none skipped, across runs and a new alert')
def _():
    seen, last_run = [], {}
    for _ in range(4):  # fetch_limit 1: one alert per run, then none
        state = run('fetch-incidents', role='analyst', params={'fetch_limit': '1'}, last_run=last_run)
        seen += state['incidents']
        last_run = state['lastRun']
    assert [json.loads(i['rawJSON'])['user'] for i in seen] == [ALICE, BOB], seen
    assert all(i['dbotMirrorId'] and i['name'].startswith('Upwatch: ') for i in seen)
    ingest(FIXTURES['later'][0])
    state = run('fetch-incidents', role='analyst', params={'fetch_limit': '10', 'include_events': 'true'}, last_run=last_run)
    assert [json.loads(i['rawJSON'])['user'] for i in state['incidents']] == [FIXTURES['carol']], state['incidents']
    assert json.loads(state['incidents'][0]['rawJSON'])['events'][0]['user'] == FIXTURES['carol']
    again = run('fetch-incidents', role='analyst', last_run=state['lastRun'])
    assert again['incidents'] == [], again['incidents']
    every = {a['id'] for a in api('GET', '/alerts?limit=100', 'read_only')['alerts']}
    assert every == {i['dbotMirrorId'] for i in seen + state['incidents']}, (every, seen, state['incidents'])


@check('fetch-incidents: the first-fetch window passes over older alerts, then fetches new ones')
def _():
    state = run('fetch-incidents', role='analyst', params={'first_fetch': '0 minutes'}, last_run={})
    assert state['incidents'] == [] and state['lastRun']['notBefore'], (state['incidents'], state['lastRun'])
    ingest(FIXTURES['later'][1])
    state = run('fetch-incidents', role='analyst', params={'first_fetch': '0 minutes'}, last_run=state['lastRun'])
    assert [json.loads(i['rawJSON'])['user'] for i in state['incidents']] == [FIXTURES['dave']], state['incidents']


def alert_of(user):
    return next(a for a in api('GET', f'/alerts?user={user}', 'read_only')['alerts'])


@check('upwatch-alert-get and upwatch-alert-update with states, and a bad state refused')
def _():
    alert = alert_of(ALICE)
    got = outputs(run('upwatch-alert-get', {'id': alert['id']}, role='read_only'), 'Upwatch.Alert')
    assert got['state'] == 'OPEN' and got['eventCount'] == 2 and len(got['events']) == 2 and got['events'][0]['user'] == ALICE
    up = outputs(run('upwatch-alert-update', {'id': alert['id'], 'state': 'pending', 'note': 'Looking'}, role='analyst'), 'Upwatch.Alert')
    assert up['state'] == 'PENDING' and up['notes'][0]['text'] == 'Looking', up
    assert outputs(run('upwatch-alert-update', {'id': alert['id'], 'state': 'CLOSED_TP'}, role='analyst'), 'Upwatch.Alert')['state'] == 'CLOSED_TP'
    assert api('GET', f'/alerts/{alert["id"]}', 'read_only')['state'] == 'CLOSED_TP'
    bob = alert_of(BOB)
    assert outputs(run('upwatch-alert-update', {'id': bob['id'], 'state': 'CLOSED_FP'}, role='analyst'), 'Upwatch.Alert')['state'] == 'CLOSED_FP'
    assert 'OPEN, PENDING, CLOSED_TP, CLOSED_FP' in error_of(run('upwatch-alert-update', {'id': bob['id'], 'state': 'DONE'}))
    assert '403' in error_of(run('upwatch-alert-update', {'id': bob['id'], 'state': 'OPEN'}, role='read_only'))


@check('upwatch-file-events-search by user, minimum risk score, limit and time; no filter refused')
def _():
    rows = outputs(run('upwatch-file-events-search', {'username': ALICE}, role='read_only'), 'Upwatch.FileEvent')
    assert len(rows) == 2 and {r['user'] for r in rows} == {ALICE} and rows[0]['destinationCategory'] == 'cloud_storage'
    assert len(outputs(run('upwatch-file-events-search', {'username': ALICE, 'limit': '1'}), 'Upwatch.FileEvent')) == 1
    top = max(r['riskScore'] for r in rows)
    high = outputs(run('upwatch-file-events-search', {'username': ALICE, 'min_risk_score': str(top)}), 'Upwatch.FileEvent')
    assert high and all(r['riskScore'] >= top for r in high)
    assert outputs(run('upwatch-file-events-search', {'username': ALICE, 'observed_from': '1 days'}), 'Upwatch.FileEvent')
    assert outputs(run('upwatch-file-events-search', {'username': ALICE, 'observed_to': '1 days'}), 'Upwatch.FileEvent') == []
    assert 'at least one filter' in error_of(run('upwatch-file-events-search', {}))


@check('watchlists: list, add a user with a departure date, list members, remove')
def _():
    lists = outputs(run('upwatch-watchlists-list', role='read_only'), 'Upwatch.Watchlist')
    assert 'departing' in [w['id'] for w in lists]
    added = outputs(run('upwatch-watchlist-add-user', {'watchlist': 'departing', 'username': BOB, 'note': 'Leaves Friday', 'departure_date': '2026-12-04'},
                        role='analyst'), 'Upwatch.UsersWatchlists')
    assert added['isAdded'] and added['username'] == BOB and added['departureDate'] == '2026-12-04'
    members = outputs(run('upwatch-watchlist-list-members', {'watchlist': 'departing'}), 'Upwatch.WatchlistMember')
    assert [(m['username'], m['notes']) for m in members] == [(BOB, 'Leaves Friday')]
    assert outputs(run('upwatch-watchlist-remove-user', {'watchlist': 'departing', 'username': BOB}, role='analyst'), 'Upwatch.UsersWatchlists')['isRemoved']
    assert outputs(run('upwatch-watchlist-list-members', {'watchlist': 'departing'}), 'Upwatch.WatchlistMember') == []
    assert '404' in error_of(run('upwatch-watchlist-remove-user', {'watchlist': 'departing', 'username': BOB}))


@check('user profile: update start and end dates and manager, clear a field, get')
def _():
    upd = outputs(run('upwatch-user-profile-update', {'username': ALICE, 'start_date': '2021-03-01', 'end_date': '2026-12-04',
                                                      'manager_email': 'mia@acme.example', 'notes': 'x'}, role='analyst'), 'Upwatch.User')
    assert (upd['startDate'], upd['departureDate'], upd['managerEmail']) == ('2021-03-01', '2026-12-04', 'mia@acme.example')
    assert outputs(run('upwatch-user-profile-update', {'username': ALICE, 'notes': 'clear'}, role='analyst'), 'Upwatch.User')['notes'] is None
    got = outputs(run('upwatch-user-profile-get', {'username': ALICE}, role='read_only'), 'Upwatch.User')
    assert got['managerEmail'] == 'mia@acme.example' and got['eventCount'] == 2
    assert '400' in error_of(run('upwatch-user-profile-update', {'username': ALICE, 'start_date': '1st of May'}))


@check('legal hold: add (admin), seen on the profile, refused to an analyst, removed')
def _():
    hold = outputs(run('upwatch-legal-hold-add', {'username': ALICE, 'matter': 'Case 7'}), 'Upwatch.LegalHold')
    assert hold['active'] and hold['username'] == ALICE and hold['matter'] == 'Case 7'
    assert [h['matter'] for h in api('GET', f'/users/{ALICE}', 'read_only')['legalHolds']] == ['Case 7']
    assert '403' in error_of(run('upwatch-legal-hold-add', {'username': BOB, 'matter': 'Case 7'}, role='analyst'))
    assert outputs(run('upwatch-legal-hold-remove', {'username': ALICE, 'matter': 'Case 7'}), 'Upwatch.LegalHold')['active'] is False
    assert api('GET', f'/users/{ALICE}', 'read_only')['legalHolds'] == []


@check('user block and unblock: on the blocked_uploads list and off it again')
def _():
    blocked = outputs(run('upwatch-user-block', {'username': ALICE, 'reason': 'INC-7'}, role='analyst'), 'Upwatch.UserBlock')
    assert blocked['blocked'] and not blocked['wasBlocked'] and blocked['cautions'] == []
    assert 'blocked_uploads' in [w['watchlist'] for w in api('GET', f'/users/{ALICE}', 'read_only')['watchlists']]
    unblocked = outputs(run('upwatch-user-unblock', {'username': ALICE}, role='analyst'), 'Upwatch.UserBlock')
    assert unblocked['blocked'] is False and unblocked['wasBlocked'] is True
    assert 'blocked_uploads' not in [w['watchlist'] for w in api('GET', f'/users/{ALICE}', 'read_only')['watchlists']]
    assert 'username is required' in error_of(run('upwatch-user-block', {}, role='analyst'))


@check('upwatch-lookback: the report in the context, its summary in the war room, the CSV as a file')
def _():
    state = run('upwatch-lookback', {'username': ALICE, 'days': '7'}, role='analyst')
    report = outputs(state, 'Upwatch.Lookback')
    assert report['events'] == 2 and report['byDestination'][0]['events'] == 2 and 'csv' not in report
    assert ALICE in state['results'][0]['HumanReadable']
    csv = state['results'][1]
    assert csv['Type'] == 3 and csv['File'].endswith('.csv') and len(csv['Contents'].strip().splitlines()) == 3


@check('an unknown command is an error, not a silence')
def _():
    assert 'not an Upwatch command' in error_of(run('upwatch-no-such-command'))


print(json.dumps({'summary': True, 'tested': sorted(tested), 'failures': failures}), flush=True)
sys.exit(1 if failures else 0)
