import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { IsSnils } from '../../../common/validation/snils';
import { ESIA_TOKEN_ALGORITHMS, EsiaTokenAlgorithm } from '../../../config/app-config';

export class EmulatorDocumentDto {
  @IsInt() id!: number;
  @IsString() @Length(1, 40) type!: string;
  @IsIn(['VERIFIED', 'NOT_VERIFIED']) vrfStu!: 'VERIFIED' | 'NOT_VERIFIED';
  @IsOptional() @IsString() series?: string;
  @IsOptional() @IsString() number?: string;
  @IsOptional() @IsString() issueDate?: string;
  @IsOptional() @IsString() issueId?: string;
  @IsOptional() @IsString() issuedBy?: string;
}

export class EmulatorContactDto {
  @IsInt() id!: number;
  @IsIn(['MBT', 'EML', 'PHN', 'CEM', 'CPH']) type!: 'MBT' | 'EML' | 'PHN' | 'CEM' | 'CPH';
  @IsIn(['VERIFIED', 'NOT_VERIFIED']) vrfStu!: 'VERIFIED' | 'NOT_VERIFIED';
  @IsString() @Length(1, 200) value!: string;
}

/** A test person for the emulator. `level` is a shortcut that sets `trusted` and a passport. */
export class AddEmulatorPersonDto {
  @IsOptional() @Matches(/^[1-9]\d{4,14}$/) oid?: string;
  @IsString() @Length(1, 100) lastName!: string;
  @IsString() @Length(1, 100) firstName!: string;
  @IsOptional() @IsString() @Length(0, 100) middleName?: string;
  /** `dd.MM.yyyy` (ESIA) or `YYYY-MM-DD`. */
  @IsOptional() @Matches(/^(\d{2}\.\d{2}\.\d{4}|\d{4}-\d{2}-\d{2})$/) birthDate?: string;
  @IsOptional() @IsIn(['M', 'F']) gender?: 'M' | 'F';
  @IsOptional() @IsSnils() snils?: string;
  @IsOptional() @IsIn(['simplified', 'standard', 'confirmed']) level?: 'simplified' | 'standard' | 'confirmed';
  @IsOptional() @IsBoolean() trusted?: boolean;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => EmulatorDocumentDto)
  documents?: EmulatorDocumentDto[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => EmulatorContactDto)
  contacts?: EmulatorContactDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Matches(/^\d{1,20}$/, { each: true }) kids?: string[];
  @IsOptional() @IsString() @Length(0, 300) note?: string;
}

/** Registers another information system (client) with the emulator. */
export class RegisterEmulatorClientDto {
  @Matches(/^[A-Z0-9_]{2,40}$/) clientId!: string;
  @IsArray() @ArrayMaxSize(5) @IsString({ each: true }) certificatePems!: string[];
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) redirectUris!: string[];
  /** Scopes ESIA grants this IS; requested ones outside the list are left out of the token. Absent: all. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) grantedScopes?: string[];
}

/** The emulator's token signing: algorithm and (optionally) key + certificate files on the emulator's host. */
export class SetTokenSigningDto {
  @IsIn(ESIA_TOKEN_ALGORITHMS) alg!: EsiaTokenAlgorithm;
  @IsOptional() @IsString() @Length(1, 1000) keyPath?: string;
  @IsOptional() @IsString() @Length(1, 1000) certPath?: string;
}
