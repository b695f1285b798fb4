// Entry point of the kiosk renderer: one terminal client for the page's lifetime.
import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createTerminalClient } from './terminal-client';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const client = createTerminalClient();
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
