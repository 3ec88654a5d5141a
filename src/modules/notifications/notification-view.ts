import { NotificationView } from './dto/notifications.dto';
import { NotificationRow } from './notifications.repository';

/** A notification row as the API shows it (list, feed, stream, real-time message). */
export const toView = (r: NotificationRow): NotificationView => ({
  id: String(r.id),
  kind: r.kind,
  title: r.title,
  body: r.body,
  data: r.data ?? {},
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});
