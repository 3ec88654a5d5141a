import { Injectable, Logger } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { SessionsService } from '../auth/sessions.service';
import { EsiaLinksErrors } from '../esia-links/esia-links.errors';
import { EsiaLinksService } from '../esia-links/esia-links.service';
import { MyEsiaLinkView } from './dto/linking.dto';

/** The link seen from the profile and by admins: whether there is one, and ending it (with the user's ESIA-based sessions). */
@Injectable()
export class LinkManagementService {
  private readonly logger = new Logger('EsiaSignIn');

  constructor(
    private readonly links: EsiaLinksService,
    private readonly sessions: SessionsService,
  ) {}

  async myLink(userId: string): Promise<MyEsiaLinkView> {
    const link = await this.links.activeByUser(userId);
    return { linked: !!link, linkedAt: link?.linkedAt.toISOString() ?? null, method: link?.method ?? null };
  }

  /** The user unlinks: the link ends, and so do the user's ESIA-based sessions. */
  async unlinkOwn(userId: string): Promise<void> {
    if (!(await this.links.revokeOwn(userId))) throw EsiaLinksErrors.linkNotFound();
    const ended = await this.sessions.revokeAllForUser(userId, 'esia_unlinked', 'esia');
    this.logger.log({ userId, endedSessions: ended }, 'ESIA link removed by the user');
  }

  /** An admin revokes a link in their scope (404 outside it); the user's ESIA-based sessions end. */
  async revokeByAdmin(p: Principal, linkId: string): Promise<void> {
    const { userId } = await this.links.revokeByAdmin(p, linkId);
    const ended = await this.sessions.revokeAllForUser(userId, 'esia_link_revoked', 'esia');
    this.logger.log({ userId, by: p.userId, endedSessions: ended }, 'ESIA link revoked by an admin');
  }
}
