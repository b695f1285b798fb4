// Where the packaged app's files are, as pure decisions (a test holds them to the build's layout).
// Inside app.asar: the bundles and the UI. Beside it in resources/ (electron-builder's extraResources,
// outside the archive so native code and plain fs can open them): the fixtures and the model
// packages (BlazeFace, face-api's recogniser weights). From source (`npm start`), the repository.
import { join } from 'node:path';

export interface PackagedPaths {
  /** The app's root: resources/app.asar when packaged, the repository otherwise. */
  appRoot: string;
  fixtures: string;
  /** Set when packaged: FACE_MODEL_PACKAGES for the face worker. From source, .cache/model-packages is found by walking up. */
  modelPackages: string | null;
}

export function packagedPaths(opts: { isPackaged: boolean; appPath: string; resourcesPath: string }): PackagedPaths {
  if (!opts.isPackaged) return { appRoot: opts.appPath, fixtures: join(opts.appPath, 'fixtures'), modelPackages: null };
  return { appRoot: opts.appPath, fixtures: join(opts.resourcesPath, 'fixtures'), modelPackages: join(opts.resourcesPath, 'model-packages') };
}
