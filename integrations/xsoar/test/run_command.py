"""Runs one command of the Upwatch integration as XSOAR would, with the stand-in runtime of this
folder, and prints what XSOAR would have kept as one JSON line: the war room entries (`results`),
the incidents and the new lastRun (fetch-incidents). For tests that drive the integration step by
step (test/e2e/playbook.test.ts).

    UPWATCH_URL=… UPWATCH_KEY=… [UPWATCH_PARAMS='{…}'] [UPWATCH_LAST_RUN='{…}'] run_command.py <command> ['{"arg": …}']

The key comes from the environment, never the command line."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, '..', 'Upwatch')]

import demistomock  # noqa: E402
import Upwatch  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: run_command.py <command> [json args]')
    params = {'url': os.environ['UPWATCH_URL'], 'credentials': {'password': os.environ['UPWATCH_KEY']},
              **json.loads(os.environ.get('UPWATCH_PARAMS') or '{}')}
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    demistomock.reset(sys.argv[1], params, args, json.loads(os.environ.get('UPWATCH_LAST_RUN') or '{}'))
    try:
        Upwatch.main()
    except SystemExit:  # return_error exits, as in XSOAR; the error entry is in the results
        pass
    state = demistomock.state
    print(json.dumps({'results': state['results'], 'incidents': state['incidents'], 'lastRun': state['lastRun']}))


if __name__ == '__main__':
    main()
