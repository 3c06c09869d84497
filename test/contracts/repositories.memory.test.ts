import { createInMemoryRepositories } from '../fakes/in-memory-repositories.js';
import { repositoriesContract } from './repositories.contract.js';

repositoriesContract({
  name: 'in memory',
  async setup() {
    return { sut: createInMemoryRepositories(), teardown: async () => undefined };
  },
});
