/**
 * A local HTTP server speaking the Chat Completions API (POST /v1/chat/completions), standing in for OpenAI
 * in tests (outbound network is blocked). Each request is answered by the next queued mode, or by the default
 * mode: good JSON, bad JSON, JSON that breaks the schema, HTTP 500, HTTP 429 with `retry-after`, a 400
 * rejecting `json_schema`, or a hang past the client's timeout. A request with `stream: true` is answered as
 * the API streams: SSE `data:` chunks of the reply text, a last chunk with usage when
 * `stream_options.include_usage` is set, then `data: [DONE]` (`slow_stream` sends one chunk every 50 ms, for
 * stopping mid-stream). Every request is recorded (time, path, headers, parsed body), and `closed` counts
 * responses whose connection the client dropped before the end.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode =
  | 'good'
  | 'bad_json'
  | 'invalid_schema'
  | 'http_500'
  | 'rate_limited'
  | 'hang'
  | 'reject_json_schema'
  | 'slow_stream';

export type RecordedRequest = {
  /** Date.now() when the request arrived. */
  at: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    temperature?: number;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema?: unknown } };
    messages?: Array<{ role: string; content: string }>;
    [k: string]: unknown;
  };
};

export type FakeOpenAi = {
  /** Base URL for the SDK (`…/v1`). */
  url: string;
  requests: RecordedRequest[];
  /** Mode for requests with nothing queued. */
  setMode(mode: FakeMode): void;
  /** Modes for the next requests, in order (e.g. `['http_500', 'good']`). */
  queue(...modes: FakeMode[]): void;
  /** The JSON that `good` answers with (an analysis by default). */
  setAnalysis(analysis: Record<string, unknown>): void;
  /** The text a streamed answer carries. */
  setReply(text: string): void;
  /** The `retry-after` header `rate_limited` answers with (seconds, or an HTTP date); default `1`. */
  setRetryAfter(value: string): void;
  /** Streamed responses the client dropped before their end. */
  readonly droppedStreams: number;
  close(): Promise<void>;
};

export const FAKE_USAGE = { prompt_tokens: 812, completion_tokens: 245, total_tokens: 1057 };
export const FAKE_STREAM_USAGE = { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 };
export const DEFAULT_REPLY = 'Fractions need the same denominator before you add them. Try 1/4 + 2/8 again.';

/** A valid model answer (matches the provider's ZModelAnalysis). */
export function goodAnalysis(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    quality_score: 84,
    empathy_score: 88,
    clarity_score: 79,
    engagement_score: 81,
    engagement: 'high',
    sentiment: 0.42,
    red_flags: [],
    evidence: [
      { label: 'Open question', quote: 'Walk me through how you got that.', speaker: 'tutor' },
      {
        label: 'Student explains their reasoning',
        quote: 'Because the pieces have to be the same size.',
        speaker: 'student',
      },
    ],
    metrics: {
      tutor_talk_share: 0.55,
      tutor_questions: 9,
      open_questions: 7,
      closed_questions: 2,
      answer_giveaways: 0,
      student_reasoning_turns: 4,
      confidence: 0.85,
    },
    summary: 'The tutor guided with open questions and the student explained their reasoning.',
    // No per-turn labels: the move classifier labels every tutor turn (tests set their own).
    tutor_moves: [],
    ...overrides,
  };
}

export async function startFakeOpenAi(initial: FakeMode = 'good'): Promise<FakeOpenAi> {
  let mode: FakeMode = initial;
  const queued: FakeMode[] = [];
  let analysis = goodAnalysis();
  let reply = DEFAULT_REPLY;
  let retryAfter = '1';
  let droppedStreams = 0;
  const requests: RecordedRequest[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const completion = (model: string, content: string) => ({
    id: `chatcmpl-fake-${requests.length}`,
    object: 'chat.completion',
    created: 1_780_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: FAKE_USAGE,
  });

  /** Word-sized pieces, as models stream them. */
  const pieces = (text: string) => text.match(/\S+\s*/g) ?? [];
  const chunk = (model: string, delta: Record<string, unknown>, finish: string | null = null) => ({
    id: `chatcmpl-fake-${requests.length}`,
    object: 'chat.completion.chunk',
    created: 1_780_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  function stream(res: ServerResponse, body: RecordedRequest['body'], model: string, everyMs: number) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events: unknown[] = [
      chunk(model, { role: 'assistant', content: '' }),
      ...pieces(reply).map((p) => chunk(model, { content: p })),
      chunk(model, {}, 'stop'),
    ];
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) {
      events.push({ ...chunk(model, {}), choices: [], usage: FAKE_STREAM_USAGE });
    }
    let finished = false;
    res.on('close', () => {
      if (!finished) droppedStreams++;
    });
    const write = (i: number) => {
      if (res.destroyed) return;
      if (i >= events.length) {
        finished = true;
        res.end('data: [DONE]\n\n');
        return;
      }
      res.write(`data: ${JSON.stringify(events[i])}\n\n`);
      if (everyMs) setTimeout(() => write(i + 1), everyMs);
      else write(i + 1);
    };
    write(0);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: RecordedRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
      } catch {
        // recorded as empty; the assertions will say so
      }
      requests.push({
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      const current = queued.shift() ?? mode;
      const model = body.model ?? 'fake-model';
      if (body.stream && (current === 'good' || current === 'slow_stream')) {
        stream(res, body, model, current === 'slow_stream' ? 50 : 0);
        return;
      }
      switch (current) {
        case 'good':
        case 'slow_stream':
          send(res, 200, completion(model, JSON.stringify(analysis)));
          return;
        case 'bad_json':
          send(res, 200, completion(model, '{"quality_score": 80, "empathy_score": '));
          return;
        case 'invalid_schema':
          send(
            res,
            200,
            completion(
              model,
              JSON.stringify({ ...analysis, quality_score: 'excellent', engagement: 'very high' }),
            ),
          );
          return;
        case 'http_500':
          // retry-after-ms keeps the SDK's retries fast in tests.
          send(
            res,
            500,
            { error: { message: 'upstream exploded', type: 'server_error' } },
            { 'retry-after-ms': '10' },
          );
          return;
        case 'rate_limited':
          send(
            res,
            429,
            {
              error: {
                message: 'Rate limit reached for requests',
                type: 'requests',
                code: 'rate_limit_exceeded',
              },
            },
            { 'retry-after': retryAfter },
          );
          return;
        case 'reject_json_schema':
          if (body.response_format?.type === 'json_schema') {
            send(res, 400, {
              error: {
                message:
                  "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
                type: 'invalid_request_error',
              },
            });
          } else {
            send(res, 200, completion(model, JSON.stringify(analysis)));
          }
          return;
        case 'hang':
          // Never answer; close() tears the socket down.
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setMode(m) {
      mode = m;
    },
    queue(...modes) {
      queued.push(...modes);
    },
    setAnalysis(a) {
      analysis = a;
    },
    setReply(text) {
      reply = text;
    },
    setRetryAfter(value) {
      retryAfter = value;
    },
    get droppedStreams() {
      return droppedStreams;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
