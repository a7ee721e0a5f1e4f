export { alteredEvent } from '../../src/store/conformance/conformanceHistory.js';
