"""A minimal stand-in for XSOAR's `demistomock` runtime module, for running the integration outside
XSOAR: the test sets params, args, command and lastRun; the integration's results, incidents and
new lastRun are collected here. Only what the Upwatch integration uses exists."""

state = {'params': {}, 'args': {}, 'command': '', 'lastRun': {}, 'results': [], 'incidents': None, 'logs': []}


def reset(command, params=None, args=None, last_run=None):
    state.update(command=command, params=dict(params or {}), args=dict(args or {}), results=[], incidents=None, logs=[])
    if last_run is not None:
        state['lastRun'] = dict(last_run)


def params():
    return state['params']


def args():
    return state['args']


def command():
    return state['command']


def getLastRun():
    return state['lastRun']


def setLastRun(value):
    state['lastRun'] = dict(value)


def incidents(value):
    state['incidents'] = list(value)


def results(value):
    state['results'].append(value)


def info(msg):
    state['logs'].append(('info', msg))


def debug(msg):
    state['logs'].append(('debug', msg))


def error(msg):
    state['logs'].append(('error', msg))
