import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { LoginResultView } from '../../auth/dto/auth.dto';
import { ESIA_LINK_METHODS } from '../../esia-links/esia-link-method';

const TICKET = /^[A-Za-z0-9_-]{43}$/;

export class EsiaExchangeDto {
  @ApiProperty({ description: 'The `ticket` the callback put into the frontend URL (single use, valid for 2 minutes)' })
  @IsString()
  @Matches(TICKET)
  ticket!: string;
}

export class EsiaLinkDto {
  @ApiProperty({ description: 'The `linkTicket` the callback put into the frontend URL (valid for 10 minutes)' })
  @IsString()
  @Matches(TICKET)
  linkTicket!: string;

  @ApiProperty({ example: 'ivanov.petr', description: 'Diary login' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  login!: string;

  @ApiProperty({ description: 'Diary password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;
}

export class EsiaSignInView extends LoginResultView {
  @ApiProperty({ description: 'True when this sign-in has just linked the Госуслуги account to the diary account' })
  linkedNow!: boolean;
}

export class EsiaLinkStartView {
  @ApiProperty({
    description:
      'Open this URL in the browser (top-level navigation): it binds the request to the browser with a cookie and continues to the Госуслуги login page',
  })
  url!: string;
}

export class MyEsiaLinkView {
  @ApiProperty() linked!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) linkedAt!: string | null;
  @ApiProperty({ nullable: true, enum: ESIA_LINK_METHODS, type: String }) method!: string | null;
}
