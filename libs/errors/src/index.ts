export * from './assert-unreachable';
export * from './domain-error';
