import { describe, expect, it } from 'vitest';
import type { RequestingLibrary } from '../../domain/orders';
import { toRequestedDeliveryInfo, toRequestingAgencyInfo } from './addresses';
import { buildRequest, parseMessage } from './messages';
import { checkIso18626Xml } from './xml';

const ybu: RequestingLibrary = {
  id: 'ybu',
  name: '延边大学图书馆 (Yanbian University Library)',
  delivery: {
    email: 'ill@lib.ybu.edu.cn',
    url: 'https://ill.lib.ybu.edu.cn/deposit',
    postal: { line1: '延边大学图书馆 文献传递中心', line2: '公园路977号', locality: '延吉市', postalCode: '133002', region: 'CN-JL', country: 'CN' },
  },
};

const email = { electronicAddress: { electronicAddressType: 'Email', electronicAddressData: 'ill@lib.ybu.edu.cn' } };
const url = { electronicAddress: { electronicAddressType: 'URL', electronicAddressData: 'https://ill.lib.ybu.edu.cn/deposit' } };
const desk = { physicalAddress: ybu.delivery!.postal! };

describe('where the requesting library takes delivery', () => {
  it('asks for a copy at its electronic addresses first, a loan at its desk first', () => {
    expect(toRequestedDeliveryInfo(ybu, 'copy')).toEqual([
      { sortOrder: 1, address: email },
      { sortOrder: 2, address: url },
      { sortOrder: 3, address: desk },
    ]);
    expect(toRequestedDeliveryInfo(ybu, 'loan')?.map((info) => info.address)).toEqual([desk, email, url]);
  });

  it('says nothing for a library with no addresses configured', () => {
    expect(toRequestedDeliveryInfo({ id: 'xtu', name: 'Xiangtan University Library' }, 'copy')).toBeUndefined();
    expect(toRequestedDeliveryInfo(undefined, 'loan')).toBeUndefined();
    expect(toRequestingAgencyInfo({ id: 'xtu', name: 'Xiangtan University Library' })).toEqual({ name: 'Xiangtan University Library' });
  });

  it('names the library and its addresses in a request valid against the v1.2 schema', async () => {
    const xml = buildRequest({
      header: {
        supplyingAgencyId: { type: 'ISIL', value: 'KR-KERIS' },
        requestingAgencyId: { type: 'ISIL', value: 'CN-CALIS' },
        timestamp: '2026-11-30T08:00:00Z',
        requestingAgencyRequestId: 'ybu-2026-000088',
      },
      bibliographicInfo: { title: '한국사연구' },
      serviceInfo: { requestType: 'New', serviceType: 'Loan' },
      requestedDeliveryInfo: toRequestedDeliveryInfo(ybu, 'loan'),
      requestingAgencyInfo: toRequestingAgencyInfo(ybu),
    });
    expect(await checkIso18626Xml(xml)).toBeUndefined();
    const parsed = await parseMessage(xml);
    if (!parsed.ok || parsed.message.kind !== 'request') throw new Error(JSON.stringify(parsed));
    expect(parsed.message.requestingAgencyInfo).toEqual({ name: ybu.name, address: [desk, email] });
    expect(parsed.message.requestedDeliveryInfo?.[0]).toEqual({ sortOrder: 1, address: desk });
  });
});
