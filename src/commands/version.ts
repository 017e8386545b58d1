/** Our own version, printed next to the Redis version we are compatible with. */
export const STRATAKV_VERSION = '0.1.0';
