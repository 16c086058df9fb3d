/** A charge posted for settlement between the requesting library and the supplier that filled. */
export interface Charge {
  /** `<workflow id>:charge:<attempt>`: a retried activity never charges twice. */
  key: string;
  requestId: string;
  libraryId: string;
  supplierId: string;
  amount: number;
  currency: string;
}
