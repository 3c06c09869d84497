#!/usr/bin/env node
// After `tsc -p tsconfig.build.json`: copies what the compiled code reads at run time next to it in dist/
// (the dashboard's and the case desk's static files; the SQL migrations, which src/infra/database/migrate.ts finds three folders up).
import { cpSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const copy = (from, to) => cpSync(new URL(from, root), new URL(to, root), { recursive: true });
copy('src/capabilities/insights/routes/dashboard-static/', 'dist/src/capabilities/insights/routes/dashboard-static/');
copy('src/capabilities/moderation/routes/desk-static/', 'dist/src/capabilities/moderation/routes/desk-static/');
copy('prisma/migrations/', 'dist/prisma/migrations/');
copy('adapters/web/static/', 'dist/adapters/web/static/');
copy('src/http/landing.css', 'dist/src/http/landing.css');
