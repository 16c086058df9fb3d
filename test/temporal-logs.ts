// Setup of every test process: the Temporal SDK logs warnings and errors only. Passing runs stay
// quiet (no worker state changes), and a failing test still shows what its worker complained of.
import { installTemporalLogger } from '../engine/logger';

installTemporalLogger('WARN');
