// 医保支付找人: the pay link as a QR code the patient scans with their own phone. Encoded here in
// the page by @zxing/library's pure-JS encoder: the kiosk's CSP allows no WebAssembly, and the link
// never leaves the device for a QR service.
import { useMemo } from 'react';
// Deep imports: the package index pulls in every reader and writer (some 600 kB), the encoder alone is small.
import QRCodeEncoder from '@zxing/library/esm/core/qrcode/encoder/Encoder';
import QRCodeDecoderErrorCorrectionLevel from '@zxing/library/esm/core/qrcode/decoder/ErrorCorrectionLevel';
import { qrPath } from './qr-path';

export function PayLinkQr({ link, label }: { link: string; label: string }) {
  const symbol = useMemo(() => {
    const matrix = QRCodeEncoder.encode(link, QRCodeDecoderErrorCorrectionLevel.M).getMatrix();
    const size = matrix.getWidth();
    return { size, path: qrPath({ size, dark: (x, y) => matrix.get(x, y) === 1 }) };
  }, [link]);
  const box = symbol.size + 8;
  return (
    <svg className="pay-link-qr" data-testid="pay-link-qr" data-link={link} viewBox={`0 0 ${box} ${box}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={box} height={box} fill="#fff" />
      <path d={symbol.path} fill="#000" />
    </svg>
  );
}
