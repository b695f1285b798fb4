// Finding a USB-serial adapter by its ids instead of its path: the matching rule, and a real
// serial open through it (a socat pty stands in for the adapter, since the OS lists no ptys).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSerialTransport, findUsbSerialPort, type SerialPortInfo } from './serial';
import { createPtyPair } from './pty';
import { DeviceConfig } from '../manager';

const ports: SerialPortInfo[] = [
  { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', serialNumber: 'A1' },
  { path: '/dev/ttyUSB1', vendorId: '1A86', productId: '7523', serialNumber: 'B2' },
  { path: '/dev/ttyACM0', vendorId: '0483', productId: '5740' },
  { path: '/dev/ttyS0' },
];

describe('USB-serial adapters by id', () => {
  it('finds the one port with the ids, tells two alike apart by serial number, and says why when it cannot', () => {
    assert.equal(findUsbSerialPort({ vendorId: 0x0483, productId: 0x5740 }, ports), '/dev/ttyACM0');
    assert.equal(findUsbSerialPort({ vendorId: 0x1a86, productId: 0x7523, serialNumber: 'B2' }, ports), '/dev/ttyUSB1');
    assert.throws(() => findUsbSerialPort({ vendorId: 0x1a86, productId: 0x7523 }, ports), /1a86:7523 matches 2 ports: set serialNumber/);
    assert.throws(() => findUsbSerialPort({ vendorId: 0x067b, productId: 0x2303 }, ports), /067b:2303 is not connected/);
  });

  it('opens the adapter wherever it is now, and reports a missing one as an open that fails', async () => {
    const pair = await createPtyPair();
    let listed: SerialPortInfo[] = [{ path: pair.hostPath, vendorId: '0483', productId: '5740' }];
    const transport = createSerialTransport({ usb: { vendorId: 0x0483, productId: 0x5740 }, baudRate: 9600, listPorts: async () => listed });
    try {
      assert.equal(transport.description, 'serial:usb:483:5740');
      const got: number[] = [];
      transport.onData((chunk) => got.push(...chunk));
      await transport.open();
      const { SerialPort } = await import('serialport');
      const device = new SerialPort({ path: pair.devicePath, baudRate: 9600 });
      await new Promise<void>((r) => device.on('open', () => r()));
      device.write(Buffer.from('OK\r\n'));
      const deadline = Date.now() + 3000;
      while (got.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise<void>((r) => device.close(() => r()));
      assert.equal(Buffer.from(got).toString(), 'OK\r\n');
      await transport.close();
      listed = [];
      await assert.rejects(transport.open(), /0483:5740 is not connected/);
    } finally {
      await transport.close();
      await pair.close();
    }
  });

  it('the device config takes a path or the ids, and names what is missing', () => {
    assert.ok(DeviceConfig.safeParse({ id: 'id-1', kind: 'id-card', transport: { type: 'serial', vendorId: 0x0483, productId: 0x5740 } }).success);
    assert.ok(DeviceConfig.safeParse({ id: 'id-1', kind: 'id-card', transport: { type: 'serial', path: '/dev/ttyUSB0' } }).success);
    const bad = DeviceConfig.safeParse({ id: 'id-1', kind: 'id-card', transport: { type: 'serial', vendorId: 0x0483 } });
    assert.ok(!bad.success && /a serial device needs a path, or a vendorId and productId/.test(JSON.stringify(bad.error.issues)));
  });
});
