import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { LimitParam } from '../../../common/pagination/page';
import { IsBigIntString } from '../../../common/validation/numbers';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export class PortalDeliveryQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'failed = parked after the last attempt (stuck)' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];

  @LimitParam(200, 50)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (newest first)' })
  @IsOptional()
  @IsString()
  @IsBigIntString()
  cursor?: string;
}

export class PortalDeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Outbox event id' }) eventId!: string;
  @ApiProperty({ example: 'grade.created' }) eventType!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) schoolId!: string | null;
  @ApiProperty({ type: [String], description: 'Linked students the event concerns' }) studentIds!: string[];
  @ApiProperty({ description: 'Idempotency-Key sent to the portal' }) idempotencyKey!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty() manualRetries!: number;
  @ApiProperty({ nullable: true, type: String, example: 'HTTP 503' }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class PortalDeliveryPage {
  @ApiProperty({ type: [PortalDeliveryView] }) items!: PortalDeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
