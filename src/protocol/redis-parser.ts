/**
 * The one typed binding of the `redis-parser` package (it ships no types): the streaming RESP
 * decoder that the request parser uses for client requests and the admin port's in-process
 * client uses for the replies of the commands it runs.
 */
import { createRequire } from 'node:module';

/** What the parts of redis-parser 3 we use look like. */
export interface RespDecoderOptions {
  returnBuffers: boolean;
  returnReply(reply: unknown): void;
  returnError(error: Error): void;
  returnFatalError(error: Error): void;
}

export interface RespDecoder {
  execute(input: Buffer): void;
  reset(): void;
}

export const RespDecoder = createRequire(import.meta.url)('redis-parser') as new (options: RespDecoderOptions) => RespDecoder;
