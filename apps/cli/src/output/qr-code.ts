import { toString as renderQrCode } from 'qrcode';

/**
 * `text` as a QR code drawn with block characters, two modules a character row, for a
 * phone's camera to read off the terminal. Error correction L keeps a link code's QR
 * code small enough for an 80-column terminal.
 */
export function terminalQrCode(text: string): Promise<string> {
  return renderQrCode(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}
