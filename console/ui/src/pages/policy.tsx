/** `/settings/policy`: the synced keys, and what a browser's managed policy overrides. */
import { api } from '../api';
import { LoadState, Page, Table, useLoad } from '../components';

export function Policy() {
  const state = useLoad(() => api<{ settings: Record<string, unknown> }>('/api/v1/policy'), 'policy');
  return (
    <Page title="Policy">
      <p>
        Browsers sync these settings from the console. A key set in a browser's <strong>managed policy</strong> (the enterprise policy the administrator deploys
        with the extension) wins over the same key here: the synced value applies only where the managed policy leaves the key unset. Admins change these with{' '}
        <code>PUT /api/v1/policy</code>; risk scores are edited on the Risk settings page.
      </p>
      <LoadState state={state} what="the policy" always />
      {state.data && (
        <div class="card">
          <Table caption="Synced keys" columns={['Key', 'Value']}>
            {Object.entries(state.data.settings).map(([k, v]) => (
              <tr key={k}>
                <td>
                  <code>{k}</code>
                </td>
                <td>
                  <pre class="json">{JSON.stringify(v, null, 2)}</pre>
                </td>
              </tr>
            ))}
            {Object.keys(state.data.settings).length === 0 && (
              <tr>
                <td colSpan={2} class="muted">
                  No synced keys: browsers use their defaults and their managed policy.
                </td>
              </tr>
            )}
          </Table>
        </div>
      )}
    </Page>
  );
}
