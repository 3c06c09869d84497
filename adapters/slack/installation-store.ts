import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { WorkspaceRepository } from '../../src/kernel/ports/directory.js';
import { InstallRefusedError } from './install-pages.js';

/**
 * Bolt's installation store (https://docs.slack.dev/tools/bolt-js/concepts/authenticating-oauth) backed by
 * the WorkspaceRepository port: one row per Slack workspace, the installation kept as an opaque blob and
 * the workspace connected to Kring's organisation. Org-wide (Enterprise Grid) installs are refused: Kring
 * connects workspaces, and an org install has no single workspace to connect.
 */
export class WorkspaceInstallationStore implements InstallationStore {
  constructor(
    private readonly deps: {
      workspaces: WorkspaceRepository;
      organizationId: string;
      logger: Logger;
      /** When set, only these team ids may install. */
      allowedWorkspaceIds: readonly string[] | undefined;
    },
  ) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const teamId = installation.team?.id;
    if (installation.isEnterpriseInstall === true || teamId === undefined) {
      this.deps.logger.warn({ enterpriseId: installation.enterprise?.id }, 'slack: org-wide install refused; install per workspace');
      throw new InstallRefusedError('org-wide', 'Org-wide installs are not supported; install Kring in a workspace');
    }
    if (this.deps.allowedWorkspaceIds !== undefined && !this.deps.allowedWorkspaceIds.includes(teamId)) {
      this.deps.logger.warn({ teamId }, 'slack: install from a workspace that is not allowed refused');
      throw new InstallRefusedError('not-allowed', 'This workspace may not install Kring');
    }
    await this.deps.workspaces.upsert({
      organizationId: this.deps.organizationId,
      platform: 'slack',
      externalId: teamId,
      name: installation.team?.name ?? null,
      installation,
    });
    this.deps.logger.info({ teamId }, 'slack: workspace installed');
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const installation = await this.find(query.teamId);
    // Bolt's authorize turns this into an AuthorizationError: the request is acked and dropped.
    if (installation === undefined) throw new Error(`no Slack installation for workspace ${String(query.teamId)}`);
    return installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    if (query.teamId === undefined) return;
    await this.deps.workspaces.deleteInstallation('slack', query.teamId);
    this.deps.logger.info({ teamId: query.teamId }, 'slack: installation removed');
  }

  /** The installation of a workspace, or undefined when it is not (or no longer) installed. */
  async find(teamId: string | undefined): Promise<Installation<'v1' | 'v2', boolean> | undefined> {
    if (teamId === undefined) return undefined;
    const blob = await this.deps.workspaces.getInstallation('slack', teamId);
    if (typeof blob !== 'object' || blob === null) return undefined;
    return blob as Installation<'v1' | 'v2', boolean>;
  }
}
