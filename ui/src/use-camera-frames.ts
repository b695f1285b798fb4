// The renderer's camera while the face step (or, with a camera configured for QR, the identify step)
// is on screen: getUserMedia (the Electron host grants video only), a frame every 200 ms drawn to a
// canvas and sent to the core as JPEG. The stream stops when the step ends, so the camera light is
// on only while the patient is asked to look at it or to show a code.
import { useEffect, useRef, useState } from 'react';
import type { Command } from '../../terminal/api/schema';

export type CameraState = 'starting' | 'on' | 'unavailable';

export function useCameraFrames(active: boolean, send: (command: Command) => void, intervalMs = 200): { state: CameraState; video: React.RefObject<HTMLVideoElement | null> } {
  const video = useRef<HTMLVideoElement | null>(null);
  const [state, setState] = useState<CameraState>('starting');
  // The latest sender, read at send time: a new callback identity must not restart the camera.
  const sendRef = useRef(send);
  sendRef.current = send;
  useEffect(() => {
    if (!active) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;
    let stopped = false;
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const context = canvas.getContext('2d');
    void (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia || !context) throw new Error('no camera API');
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
        if (stopped) return stream.getTracks().forEach((t) => t.stop());
        const element = video.current;
        if (element) {
          element.srcObject = stream;
          await element.play().catch(() => undefined);
        }
        setState('on');
        timer = setInterval(() => {
          if (!element || element.readyState < 2) return;
          context.drawImage(element, 0, 0, canvas.width, canvas.height);
          const dataUrl = canvas.toDataURL('image/jpeg', 0.8);
          sendRef.current({ type: 'camera.frame', jpegBase64: dataUrl.slice(dataUrl.indexOf(',') + 1) });
        }, intervalMs);
      } catch {
        // No camera (or no permission): the core's frame timeout ends the check with staff; the
        // screen tells the patient to use the code instead.
        if (!stopped) setState('unavailable');
      }
    })();
    return () => {
      stopped = true;
      if (timer) clearInterval(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [active, intervalMs]);
  return { state, video };
}
