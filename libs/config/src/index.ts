export * from './load-config';
export * from './assert-unreachable';
export * from './domain-error';
