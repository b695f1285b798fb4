// The national-platform simulator: a real HTTP server on loopback that answers callService for every
// infno, decodes its own 医保码 payloads, keeps a ledger, answers a repeated msgid with its first answer,
// and injects seeded faults. Hospital IT and the tests run the terminal against it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { csbSignature, tifSignature, verifySm2Envelope } from '../../insurance/signer';
import { z } from 'zod';
import { RequestEnvelope } from '../../insurance/envelope';
import { closeServer, listen, readBody, sendJson, sendText, trackSockets } from '../http';
import { FaultInjector, FaultPlan, garbleOutput, type FaultRule } from './faults';
import { loadFixtures } from './fixtures';
import { loadDataFile, saveDataFile } from './persist';
import { isHospitalLevel, type HospitalLevel } from './policy';
import type { Ledger } from './state';
import type { MobilePayLedger } from './mobile-pay';
import { PlatformCore } from './core';
import { MOBILE_PAY_PATHS, type MobilePayInfno } from '../../insurance/mobile-pay';
import type { Sm2KeySource, Sm2Keys } from '../../insurance/sm2';

export type { Ledger } from './state';
export type { FaultPlan, FaultRule } from './faults';

export interface PlatformSimulator {
  url: string;
  close(): Promise<void>;
  ledger(): Ledger;
  setFaults(plan: FaultPlan): void;
  mintEcQr(personKey: string, issuedAt?: Date): string;
  /** 一码付: a payment code with this much (fen) behind it, and the mobile-payment centre's books. */
  mintPayCode(balanceFen?: number): string;
  mobilePayLedger(): MobilePayLedger;
  /** The centre's SM2 public key, for a terminal that checks the answers' signatures. */
  /** The simulated centre's SM2 public key, SPKI PEM (what a real centre hands over). */
  mobilePayPublicKey: string;
}

export const EC_DECODE_FAULT_INFNO = 'ecQuery';

const DecodeRequest = z.object({
  data: z.object({ qrCode: z.string(), businessType: z.string(), deviceType: z.string() }).loose(),
}).loose();

export async function startPlatformSimulator(opts: {
  fixturesDir: string;
  port?: number;
  host?: string;
  seed?: number;
  now?: () => Date;
  ecQrValiditySeconds?: number;
  /** Keep the books in this JSON file across restarts (off when absent). */
  dataFile?: string;
  /** Check the caller's signature like a provincial gateway (off when absent). */
  signature?: SignatureCheck;
  /** 医院等级 of the simulated hospital (1, 2 or 3): picks the deductible and ratio; 3 when absent. */
  hospitalLevel?: HospitalLevel;
  /** Faults from the first request on (a per-run plan); POST /sim/faults or setFaults replace it. */
  faults?: FaultPlan;
  /** The mobile-payment centre's app credentials and the terminal's key to check (simulator defaults when absent). */
  mobilePay?: { appId?: string; appSecret?: string; terminalPublicKey?: Sm2Keys['pub'] };
}): Promise<PlatformSimulator> {
  if (opts.hospitalLevel !== undefined && !isHospitalLevel(opts.hospitalLevel)) {
    throw new Error(`hospitalLevel must be 1, 2 or 3, not ${String(opts.hospitalLevel)}`);
  }
  const fx = loadFixtures(opts.fixturesDir);
  const now = opts.now ?? (() => new Date());
  const saved = opts.dataFile ? loadDataFile(opts.dataFile) : null;
  const core = new PlatformCore({ fx, now, ecQrValiditySeconds: opts.ecQrValiditySeconds, hospitalLevel: opts.hospitalLevel, saved, mobilePay: opts.mobilePay, onChange: persist });
  const { state, mobilePay, answers, usedQrNonces, validitySeconds } = core;
  const faults = new FaultInjector(opts.seed ?? 1);
  // Parsed here, before the port opens, so a bad plan stops the start instead of failing requests.
  if (opts.faults) faults.setPlan(FaultPlan.parse(opts.faults));
  const mobilePayInfnoByPath = new Map(Object.entries(MOBILE_PAY_PATHS).map(([infno, path]) => [path as string, infno as MobilePayInfno]));
  const mintEcQr = (personKey: string, issuedAt?: Date) => core.mintEcQr(personKey, issuedAt);
  const envelopeText = (infcode: number, errMsg: string | null, output: unknown, receivedAt: Date) => core.envelopeText(infcode, errMsg, output, receivedAt);
  const process = (env: RequestEnvelope, receivedAt: Date) => core.callService(env, receivedAt);

  /** Writes the books after every change, so a restart keeps them (when there is a dataFile). */
  function persist(): void {
    if (!opts.dataFile) return;
    // A code past its validity is refused as expired before its nonce is looked at, so its nonce
    // need not be kept. (Raising --qr-validity across a restart can revive a forgotten one.)
    const oldest = now().getTime() / 1000 - validitySeconds;
    for (const [nonce, issued] of usedQrNonces) if (issued < oldest) usedQrNonces.delete(nonce);
    saveDataFile(opts.dataFile, { state: state.snapshot(), answers: [...answers], usedQrNonces: [...usedQrNonces] });
  }

  async function withFault(req: IncomingMessage, res: ServerResponse, infno: string, run: () => string): Promise<void> {
    const decision = faults.decide(infno);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    const fault: FaultRule | null = decision.fault;
    if (!fault) return sendText(res, 200, run());
    switch (fault.kind) {
      case 'timeout':
        if (fault.afterCommit) run();
        return; // held until the client gives up or the simulator closes
      case 'http-5xx':
        if (fault.afterCommit) run();
        return sendText(res, fault.status ?? 503, '<html><body>503 Service Temporarily Unavailable</body></html>', 'text/html');
      case 'reset-before':
        req.socket.destroy();
        return;
      case 'reset-after-commit':
        run();
        req.socket.destroy();
        return;
      case 'malformed-json': {
        if (fault.afterCommit) run();
        return sendText(res, 200, '{"infcode":0,"inf_refmsgid":"3301002024","output":{"setlinfo":{');
      }
      case 'wrong-infcode':
        if (fault.afterCommit) run();
        return sendText(res, 200, envelopeText(fault.infcode ?? 1, fault.errMsg ?? '模拟错误码', null, new Date()));
      case 'garble': {
        const answer = JSON.parse(run()) as { infcode: number; output: unknown };
        if (answer.infcode !== 0) return sendText(res, 200, JSON.stringify(answer));
        return sendText(res, 200, JSON.stringify({ ...answer, output: garbleOutput(answer.output, fault.set ?? {}) }));
      }
      case 'latency':
        return sendText(res, 200, run());
    }
  }

  async function callService(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now();
    const json = safeJson(await readBody(req));
    if (opts.signature && !signatureValid(opts.signature, req, json)) {
      return sendText(res, 200, envelopeText(-1, '签名校验失败', null, receivedAt));
    }
    const env = RequestEnvelope.safeParse(json);
    if (!env.success) {
      return sendText(res, 200, envelopeText(-1, `报文格式错误: ${env.error.issues.map((i) => i.path.join('.')).join(',').slice(0, 200)}`, null, receivedAt));
    }
    await withFault(req, res, env.data.infno, () => process(env.data, receivedAt));
  }

  async function decode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = DecodeRequest.safeParse(safeJson(await readBody(req)));
    if (!body.success) return sendJson(res, 200, { code: 'EC1000', message: '请求报文格式错误', data: null });
    await withFault(req, res, EC_DECODE_FAULT_INFNO, () => JSON.stringify(core.decodeQr(body.data.data.qrCode)));
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '').split('?')[0] ?? '';
        if (req.method === 'POST' && path === '/fsi/api/rsfComIfsService/callService') return await callService(req, res);
        if (req.method === 'POST' && path === '/localcfc/api/hsecfc/localQrCodeQuery') return await decode(req, res);
        const mobileInfno = req.method === 'POST' ? mobilePayInfnoByPath.get(path) : undefined;
        if (mobileInfno) {
          const body = safeJson(await readBody(req));
          return await withFault(req, res, mobileInfno, () => mobilePay.handle(mobileInfno, body));
        }
        if (req.method === 'POST' && path === '/sim/pay-code') {
          const body = z.object({ balanceFen: z.number().int().nonnegative().optional() }).safeParse(safeJson(await readBody(req)) ?? {});
          if (!body.success) return sendJson(res, 400, { error: 'balanceFen must be whole fen' });
          return sendJson(res, 200, { payCode: mobilePay.mintPayCode(body.data.balanceFen) });
        }
        if (req.method === 'GET' && path === '/sim/ledger') return sendJson(res, 200, state.ledger());
        if (req.method === 'POST' && path === '/sim/faults') {
          const plan = FaultPlan.safeParse(safeJson(await readBody(req)));
          if (!plan.success) return sendJson(res, 400, { error: z.prettifyError(plan.error) });
          faults.setPlan(plan.data);
          return sendJson(res, 200, { ok: true });
        }
        if (req.method === 'POST' && path === '/sim/ec-qr') {
          const body = z.object({ person: z.string() }).safeParse(safeJson(await readBody(req)));
          if (!body.success || !state.personByKey(body.data.person)) return sendJson(res, 400, { error: 'unknown person key' });
          return sendJson(res, 200, { payload: mintEcQr(body.data.person) });
        }
        return sendJson(res, 404, { error: 'not found' });
      } catch (err) {
        if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: err instanceof Error ? err.message : 'internal error' });
      }
    })();
  });
  const sockets = trackSockets(server);
  const url = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');

  return {
    url,
    close: () => closeServer(server, sockets),
    ledger: () => state.ledger(),
    setFaults: (plan) => faults.setPlan(FaultPlan.parse(plan)),
    mintEcQr,
    mintPayCode: (balanceFen) => mobilePay.mintPayCode(balanceFen),
    mobilePayLedger: () => mobilePay.ledger(),
    mobilePayPublicKey: mobilePay.publicKey,
  };
}

export type SignatureCheck =
  | { type: 'sm2'; publicKey: Sm2KeySource; userId?: string }
  | { type: 'x-tif'; paasId: string; token: string }
  | { type: 'csb'; accessKey: string; secretKey: string };

function signatureValid(check: SignatureCheck, req: IncomingMessage, body: unknown): boolean {
  const h = (name: string) => String(req.headers[name] ?? '');
  switch (check.type) {
    case 'sm2':
      return typeof body === 'object' && body !== null && verifySm2Envelope(body as Record<string, unknown>, check.publicKey, check.userId);
    case 'x-tif':
      return h('x-tif-paasid') === check.paasId && h('x-tif-signature') === tifSignature(h('x-tif-timestamp'), check.token, h('x-tif-nonce'));
    case 'csb': {
      const params = { _api_name: h('_api_name'), _api_version: h('_api_version'), _api_access_key: h('_api_access_key'), _api_timestamp: h('_api_timestamp') };
      return params._api_access_key === check.accessKey && h('_api_signature') === csbSignature(params, check.secretKey);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
