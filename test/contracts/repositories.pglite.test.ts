import { createPrismaRepositories } from '../../src/infra/database/directory.js';
import { createPgliteTestDatabase } from '../support/database.js';
import { repositoriesContract } from './repositories.contract.js';

repositoriesContract({
  name: 'Prisma on PGlite',
  async setup() {
    const db = await createPgliteTestDatabase();
    return { sut: createPrismaRepositories(db.prisma), teardown: () => db.close() };
  },
});
