// An outside ILL system borrowing from the network's service libraries over ISO 18626 v1.2, for
// tests and the supplier simulator: it sends `request`s and `requestingAgencyMessage`s to the
// network's POST /iso18626 and takes the lenders' `supplyingAgencyMessage`s at an address of its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildConfirmation,
  buildRequest,
  buildRequestingAgencyMessage,
  parseMessage,
  type Action,
  type Iso18626Message,
  type Iso18626Request,
  type SupplyingAgencyMessage,
} from '../adapters/iso18626';
import { agencyIdOf } from '../adapters/iso18626/peer';

export interface FakeBorrowerOptions {
  /** The network's ISO 18626 address (`<publicUrl>/iso18626`). */
  networkUrl: string;
  /** The borrower's agency id, `TYPE:VALUE`. */
  agencyId: string;
  /** What the borrower presents, as an Authorization header value. */
  authorization?: string;
}

export interface FakeBorrower {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Where the borrower takes answers; set once its server listens. */
  answersUrl?: string;
  /** The network's ISO 18626 address, which may be set once the network listens. */
  networkUrl: string;
  /** Every lender's message that arrived, in order. */
  readonly received: SupplyingAgencyMessage[];
  /** Asks a lender (by agency id) for an item; resolves to the network's confirmation. */
  ask(lenderAgencyId: string, requestId: string, body: Pick<Iso18626Request, 'bibliographicInfo' | 'serviceInfo'> & Partial<Iso18626Request>): Promise<Iso18626Message>;
  /** Acts on a request it made; resolves to the network's confirmation. */
  act(lenderAgencyId: string, requestId: string, action: Action, note?: string): Promise<Iso18626Message>;
  /** The lender's messages about one request, once `count` have arrived (within 20 s). */
  heard(requestId: string, count: number): Promise<SupplyingAgencyMessage[]>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function fakeIso18626Borrower({ networkUrl, agencyId, authorization }: FakeBorrowerOptions): FakeBorrower {
  const received: SupplyingAgencyMessage[] = [];

  const post = async (xml: string): Promise<Iso18626Message> => {
    const response = await fetch(borrower.networkUrl, { method: 'POST', headers: { 'content-type': 'application/xml', ...(authorization ? { authorization } : {}) }, body: xml });
    const parsed = await parseMessage(await response.text());
    if (!parsed.ok) throw new Error(`the network answered HTTP ${response.status} with no valid confirmation: ${parsed.errorValue}`);
    return parsed.message;
  };
  const header = (lenderAgencyId: string, requestId: string) => ({
    supplyingAgencyId: agencyIdOf(lenderAgencyId),
    requestingAgencyId: agencyIdOf(agencyId),
    timestamp: new Date().toISOString(),
    requestingAgencyRequestId: requestId,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = await parseMessage(await body(req));
    res.setHeader('content-type', 'application/xml');
    if (!parsed.ok || parsed.message.kind !== 'supplyingAgencyMessage') {
      const errorValue = parsed.ok ? `a borrower takes no ${parsed.message.kind}` : parsed.errorValue;
      res.end(buildConfirmation('supplyingAgencyMessage', parsed.ok ? {} : (parsed.header ?? {}), { status: 'ERROR', errorType: parsed.ok ? 'UnsupportedActionType' : parsed.errorType, errorValue }));
      return;
    }
    received.push(parsed.message);
    res.end(buildConfirmation('supplyingAgencyMessage', parsed.message.header, { status: 'OK', reasonForMessage: parsed.message.messageInfo.reasonForMessage }));
  };

  const borrower: FakeBorrower = Object.assign((req: IncomingMessage, res: ServerResponse) => void handle(req, res), {
    networkUrl,
    received,
    ask: (lenderAgencyId: string, requestId: string, request: Pick<Iso18626Request, 'bibliographicInfo' | 'serviceInfo'> & Partial<Iso18626Request>) =>
      post(
        buildRequest({
          ...(borrower.answersUrl
            ? { requestingAgencyInfo: { name: 'Borrowing library', address: [{ electronicAddress: { electronicAddressType: 'URL', electronicAddressData: borrower.answersUrl } }] } }
            : {}),
          ...request,
          header: header(lenderAgencyId, requestId),
        }),
      ),
    act: (lenderAgencyId: string, requestId: string, action: Action, note?: string) =>
      post(buildRequestingAgencyMessage({ header: header(lenderAgencyId, requestId), action, ...(note ? { note } : {}) })),
    async heard(requestId: string, count: number) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const about = received.filter((message) => message.header.requestingAgencyRequestId === requestId);
        if (about.length >= count) return about;
        if (Date.now() > deadline) throw new Error(`heard ${about.length} of ${count} messages about ${requestId}: ${about.map((m) => m.statusInfo.status).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  });
  return borrower;
}
