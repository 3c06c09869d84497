// Prisma CLI configuration. Kring applies its committed migrations itself at start-up (see
// src/infra/database/migrate.ts); this file is for the stock CLI (`prisma generate`, and
// `prisma migrate deploy|status` on machines that can run Prisma's schema engine).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kring',
    // `prisma migrate dev` replays migrations in a shadow database; name one explicitly when needed.
    ...(process.env['SHADOW_DATABASE_URL'] ? { shadowDatabaseUrl: process.env['SHADOW_DATABASE_URL'] } : {}),
  },
});
