import { AttachmentView, MessageView, PersonView } from './dto/messaging.dto';
import { AttachmentRow, MessageRow } from './messages.repository';
import { PersonRow } from './read-models/contacts.read-model';

/** Rows of the messaging repositories and read models as the API shows them. */

export const toPerson = (r: PersonRow): PersonView => ({
  id: r.id,
  lastName: r.last_name,
  firstName: r.first_name,
  middleName: r.middle_name,
  roles: r.roles,
});

export const toMessage = (r: MessageRow, attachments: AttachmentView[] = []): MessageView => ({
  id: String(r.id),
  conversationId: r.conversation_id,
  senderId: r.sender_id,
  body: r.body,
  attachments,
  createdAt: r.created_at,
});

export const toAttachment = (r: AttachmentRow): AttachmentView => ({
  id: r.id,
  name: r.original_name,
  contentType: r.content_type,
  size: r.size_bytes,
});

/** Attachment rows grouped by message id, in their order. */
export function attachmentsByMessage(rows: AttachmentRow[]): Map<string, AttachmentView[]> {
  const out = new Map<string, AttachmentView[]>();
  for (const r of rows) {
    const key = String(r.message_id);
    out.set(key, [...(out.get(key) ?? []), toAttachment(r)]);
  }
  return out;
}
