export { requestLifecycle } from './requestLifecycle';
