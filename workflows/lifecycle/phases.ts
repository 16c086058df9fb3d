/** The stretches of a request's life; each returns the next, until `end`. */
export type Phase = 'review' | 'approveRoute' | 'source' | 'searchProxy' | 'delivered' | 'shipped' | 'onLoan' | 'end';
