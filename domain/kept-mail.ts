/**
 * A reader's mail kept under the data directory for want of a mail server, as `GET /api/mail` lists it
 * and the administrators' workbench shows it; `text` only when read one by one.
 */
export interface KeptMail {
  id: string;
  messageId?: string;
  from?: string;
  to?: string;
  subject?: string;
  date?: string;
  text?: string;
}
