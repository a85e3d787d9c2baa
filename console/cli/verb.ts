/**
 * Runs one verb against a built console. An error of the service's own refusal class (a duplicate
 * name, an unknown account) is printed as it is and exits 1; anything else is a bug and is thrown.
 */
export async function runVerb(
  app: { close(): Promise<unknown> },
  refusal: abstract new (...args: never[]) => Error,
  verb: () => Promise<number>,
): Promise<number> {
  try {
    return await verb();
  } catch (err) {
    if (err instanceof refusal) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
  }
}
