import { createPgliteTestDatabase, prismaRepositories } from '../support/database.js';
import { repositoriesContract } from './repositories.contract.js';

repositoriesContract({
  name: 'Prisma on PGlite',
  async setup() {
    const db = await createPgliteTestDatabase();
    return { sut: prismaRepositories(db.prisma), teardown: () => db.close() };
  },
});
