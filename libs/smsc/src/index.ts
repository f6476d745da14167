export { type GsmNetworkOutcome, type GsmNetworkRecord, GsmNetwork } from './modem/gsm-network';
export { type ModemSimulatorOptions, ModemSimulator } from './modem/modem-simulator';
export { type GatewayAccount, type GatewayRecord, HttpGatewaySimulator } from './http/http-gateway-simulator';
