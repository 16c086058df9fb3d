import type { DeliveryAddresses, PostalAddress, RequestingLibrary } from '../../domain/orders';
import type { Service } from '../../domain/request';
import type { Address, RequestedDeliveryInfo, RequestingAgencyInfo } from './messages';

// Where the requesting library takes delivery, as an ISO 18626 request states it: a copy goes to its
// e-mail or web address first, a loan to its interlibrary-loan desk first.

function electronic(delivery: DeliveryAddresses): Address[] {
  return [
    ...(delivery.email ? [{ electronicAddress: { electronicAddressType: 'Email', electronicAddressData: delivery.email } }] : []),
    ...(delivery.url ? [{ electronicAddress: { electronicAddressType: 'URL', electronicAddressData: delivery.url } }] : []),
  ];
}

function physical(postal: PostalAddress | undefined): Address[] {
  return postal ? [{ physicalAddress: { ...postal } }] : [];
}

/** The library's addresses in the order a supplier should use them for this service, or none. */
export function toRequestedDeliveryInfo(library: RequestingLibrary | undefined, service: Service): RequestedDeliveryInfo[] | undefined {
  const delivery = library?.delivery;
  if (!delivery) return undefined;
  const addresses = service === 'loan' ? [...physical(delivery.postal), ...electronic(delivery)] : [...electronic(delivery), ...physical(delivery.postal)];
  return addresses.length > 0 ? addresses.map((address, index) => ({ sortOrder: index + 1, address })) : undefined;
}

/** Who asks: the library's name, its desk and its e-mail. */
export function toRequestingAgencyInfo(library: RequestingLibrary | undefined): RequestingAgencyInfo | undefined {
  if (!library) return undefined;
  const { delivery } = library;
  const email = delivery?.email ? [{ electronicAddress: { electronicAddressType: 'Email', electronicAddressData: delivery.email } }] : [];
  const address = [...physical(delivery?.postal), ...email];
  return { name: library.name, ...(address.length > 0 ? { address } : {}) };
}
