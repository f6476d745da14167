export * from './load-config';
export * from './assert-unreachable';
