// The store fixtures live beside the conformance suite that ships them (chartlog/adapter).
export {
  SITES,
  STREAMS,
  makeWriter,
  draftFor,
  siteEvents,
  makeHistory,
  interleave,
} from '../../src/store/conformance/conformanceHistory.js';
export type { FixtureWriterOptions } from '../../src/store/conformance/conformanceHistory.js';
