// The ISO 18626 v1.2 codec: reads and checks what peers send, builds what the engine sends, and
// translates supplying-agency messages into the engine's vocabulary.
export * from './messages';
export * from './statuses';
export { checkIso18626Xml, DEFAULT_MAX_MESSAGE_BYTES, ISO18626_NAMESPACE, type ReadOptions, type XmlProblem } from './xml';
