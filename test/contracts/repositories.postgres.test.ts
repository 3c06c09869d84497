import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { repositoriesContract } from './repositories.contract.js';

repositoriesContract({
  name: 'Prisma on PostgreSQL',
  async setup() {
    const db = await createPostgresTestDatabase();
    return { sut: prismaRepositories(db.prisma), teardown: () => db.close() };
  },
});
