/** Size limits shared by the content script (which truncates) and the schemas (which enforce). */
export const LIMITS = {
  /** Bytes of a file's head read by the content script; never the whole file. */
  headBytes: 64 * 1024,
  /** Heads beyond this many files in one action are cut to `bulkHeadBytes`, to bound message size. */
  fullHeadFiles: 16,
  bulkHeadBytes: 4 * 1024,
  /** The last bytes of a real file longer than its head, read for the content model (it reads both ends). */
  tailBytes: 4 * 1024,
  /** Files sent per message; a bigger action is split into several messages with one actionId. */
  filesPerMessage: 50,
  /** Files followed inside one dropped folder tree before the walk stops. */
  folderWalkFiles: 5000,
  /**
   * A Blob or ArrayBuffer with no file name sent by script is reported from this size only (the
   * policy's programmaticMinBytes decides above it): beacons and small posts never leave the page.
   */
  anonymousBodyFloor: 64 * 1024,
  fileName: 1024,
  relativePath: 4096,
  mimeType: 255,
  url: 8192,
  title: 2048,
} as const;
