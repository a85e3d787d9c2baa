"""A minimal stand-in for XSOAR's CommonServerPython, standard library only: the names the Upwatch
integration uses, with the behaviour the real module documents (BaseClient._http_request raises
DemistoException on a status outside ok_codes; return_error writes an error entry and exits).
The real module does much more (proxies, retries, context merging); what is not here is untested."""
import json
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

import demistomock as demisto

ENTRY_NOTE, ENTRY_ERROR, ENTRY_FILE = 1, 4, 3


class DemistoException(Exception):
    def __init__(self, message, exception=None, res=None):
        super().__init__(message)
        self.res = res


class BaseClient:
    def __init__(self, base_url, verify=True, proxy=False, ok_codes=(), headers=None, auth=None, timeout=60):
        self._base_url = base_url
        self._verify = verify
        self._headers = headers or {}
        self._ok_codes = ok_codes
        self.timeout = timeout

    def _http_request(self, method, url_suffix='', full_url=None, headers=None, json_data=None, params=None, ok_codes=None, resp_type='json', **_):
        url = full_url or self._base_url + url_suffix
        if params:
            url += '?' + urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        body = None if json_data is None else json.dumps(json_data).encode()
        request = urllib.request.Request(url, data=body, method=method, headers={**self._headers, **(headers or {})})
        if body is not None:
            request.add_header('Content-Type', 'application/json')
        context = None if self._verify else ssl._create_unverified_context()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=context) as res:
                status, text = res.status, res.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        except urllib.error.URLError as e:
            raise DemistoException(f'Connection error: {e.reason}')
        allowed = ok_codes or self._ok_codes
        if (allowed and status not in allowed) or (not allowed and not 200 <= status < 300):
            raise DemistoException(f'Error in API call [{status}] - {text}')
        return json.loads(text) if resp_type == 'json' and text else text


class CommandResults:
    def __init__(self, outputs_prefix=None, outputs_key_field=None, outputs=None, readable_output=None, raw_response=None, **_):
        self.outputs_prefix = outputs_prefix
        self.outputs_key_field = outputs_key_field
        self.outputs = outputs
        self.readable_output = readable_output
        self.raw_response = raw_response if raw_response is not None else outputs

    def to_context(self):
        return {'Type': ENTRY_NOTE, 'Contents': self.raw_response, 'HumanReadable': self.readable_output,
                'EntryContext': {self.outputs_prefix: self.outputs} if self.outputs_prefix else {}}


def return_results(results):
    for r in results if isinstance(results, list) else [results]:
        demisto.results(r.to_context() if isinstance(r, CommandResults) else r)


def return_error(message, error='', outputs=None):
    demisto.error(message)
    demisto.results({'Type': ENTRY_ERROR, 'Contents': message, 'ContentsFormat': 'text'})
    sys.exit(0)


def fileResult(filename, data):
    return {'Type': ENTRY_FILE, 'File': filename, 'Contents': data if isinstance(data, str) else data.decode()}


def tableToMarkdown(name, t, headers=None, **_):
    rows = t if isinstance(t, list) else [t]
    headers = headers or (list(rows[0].keys()) if rows else [])
    cell = lambda v: '' if v is None else str(v).replace('|', '\\|').replace('\n', ' ')  # noqa: E731
    lines = [f'### {name}', '|' + '|'.join(headers) + '|', '|' + '|'.join('---' for _ in headers) + '|']
    lines += ['|' + '|'.join(cell(r.get(h)) for h in headers) + '|' for r in rows]
    return '\n'.join(lines) + '\n'


def arg_to_number(arg, arg_name=None, required=False):
    if arg in (None, ''):
        return None
    try:
        return int(arg)
    except (TypeError, ValueError):
        raise ValueError(f'"{arg}" is not a valid number')


def argToBoolean(value):
    if isinstance(value, bool):
        return value
    if str(value).lower() in ('true', 'yes'):
        return True
    if str(value).lower() in ('false', 'no', ''):
        return False
    raise ValueError(f'"{value}" is not a boolean')
