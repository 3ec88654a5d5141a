/** One stored file of an accepted upload. */
export interface ReceivedFile {
  /** Storage key (generated). */
  key: string;
  size: number;
  /** The client's file name, cleaned; for display and Content-Disposition only. */
  originalName: string;
  contentType: string;
  extension: string;
}

/** What UploadReceiver accepted for one request: its text fields as multer read them, and the stored files. */
export interface ReceivedUpload {
  fields: Record<string, unknown>;
  files: ReceivedFile[];
}

const received = new WeakMap<object, ReceivedUpload>();

/** Called by UploadReceiver once a request's upload is accepted. */
export function noteReceivedUpload(req: object, upload: ReceivedUpload): void {
  received.set(req, upload);
}

/** The upload a request's handler accepted, if any (core/idempotency fingerprints multipart requests with it). */
export function receivedUploadOf(req: object): ReceivedUpload | undefined {
  return received.get(req);
}
