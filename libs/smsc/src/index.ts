export { type GsmNetworkOutcome, type GsmNetworkRecord, GsmNetwork } from './modem/gsm-network';
export { type ModemSimulatorOptions, ModemSimulator } from './modem/modem-simulator';
