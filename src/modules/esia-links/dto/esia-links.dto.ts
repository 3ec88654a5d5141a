import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { ESIA_LINK_METHODS } from '../esia-link-method';

export class ListEsiaLinksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() schoolId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
}

export class AdminEsiaLinkView {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() login!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ nullable: true, type: String }) middleName!: string | null;
  @ApiProperty({ nullable: true, type: String }) schoolId!: string | null;
  @ApiProperty({ format: 'date-time' }) linkedAt!: string;
  @ApiProperty({
    enum: ESIA_LINK_METHODS,
    description:
      'snils_fio: automatically by SNILS+FIO; password: with the diary login and password; session: "Привязать" from a signed-in session',
  })
  method!: string;
}

export class AdminEsiaLinkPageView {
  @ApiProperty({ type: [AdminEsiaLinkView] }) items!: AdminEsiaLinkView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
