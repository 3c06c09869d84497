import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../../kernel/errors.js';
import type { ChapterRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, type ApiRoute } from '../../../http/api/route.js';
import { chapterBody, chapterIdParam, chapterListSchema, chapterSchema } from './chapters.schemas.js';

export interface ChapterRoutesDeps {
  chapters: Pick<ChapterRepository, 'list' | 'findById' | 'ensureMany' | 'rename'>;
}

const view = (c: { id: string; name: string }) => ({ id: c.id, name: c.name });

/** Chapters (afdelingen): list, create, rename. */
export function chapterRoutes(deps: ChapterRoutesDeps): ApiRoute[] {
  const nameTaken = (name: string) => new ConflictError('API.CHAPTER_EXISTS', `A chapter named "${name}" exists already.`);
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/chapters',
      operationId: 'listChapters',
      summary: 'List chapters',
      description: 'Ordered by name.',
      tag: 'Chapters',
      scope: 'chapters:read',
      responses: { 200: { description: 'Every chapter of the organisation.', schema: chapterListSchema } },
      async handle({ organization }) {
        return { status: 200, json: { data: (await deps.chapters.list(organization.id)).map(view) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/chapters',
      operationId: 'createChapter',
      summary: 'Create a chapter',
      tag: 'Chapters',
      scope: 'chapters:write',
      body: chapterBody,
      responses: { 201: { description: 'Created.', schema: chapterSchema } },
      errors: { 409: '`API.CHAPTER_EXISTS`: a chapter of that name exists already.' },
      async handle({ organization, body }) {
        const existing = await deps.chapters.list(organization.id);
        if (existing.some((c) => c.name === body.name)) throw nameTaken(body.name);
        const [chapter] = await deps.chapters.ensureMany(organization.id, [body.name]);
        if (!chapter) throw new Error('chapter missing right after its creation');
        return { status: 201, json: view(chapter) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/orgs/{org}/chapters/{chapterId}',
      operationId: 'renameChapter',
      summary: 'Rename a chapter',
      description: 'Members and channels keep their chapter; only the name changes (imports then use the new name).',
      tag: 'Chapters',
      scope: 'chapters:write',
      params: z.object({ chapterId: chapterIdParam }),
      body: chapterBody,
      responses: { 200: { description: 'The renamed chapter.', schema: chapterSchema } },
      errors: { 409: '`API.CHAPTER_EXISTS`: another chapter has that name.' },
      async handle({ organization, params, body }) {
        const current = await deps.chapters.findById(organization.id, params.chapterId);
        if (!current) throw new NotFoundError('API.CHAPTER_NOT_FOUND', `No chapter with id ${params.chapterId}.`);
        if (current.name === body.name) return { status: 200, json: view(current) };
        let renamed;
        try {
          renamed = await deps.chapters.rename(organization.id, params.chapterId, body.name);
        } catch (err) {
          if (err instanceof ConflictError) throw nameTaken(body.name);
          throw err;
        }
        if (!renamed) throw new NotFoundError('API.CHAPTER_NOT_FOUND', `No chapter with id ${params.chapterId}.`);
        return { status: 200, json: view(renamed) };
      },
    }),
  ];
}
