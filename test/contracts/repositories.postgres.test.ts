import { createPrismaRepositories } from '../../src/infra/database/directory.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { repositoriesContract } from './repositories.contract.js';

repositoriesContract({
  name: 'Prisma on PostgreSQL',
  async setup() {
    const db = await createPostgresTestDatabase();
    return { sut: createPrismaRepositories(db.prisma), teardown: () => db.close() };
  },
});
