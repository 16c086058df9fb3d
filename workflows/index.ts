export { requestLifecycle } from './requestLifecycle';
export { lendingRequest } from './lendingRequest';
