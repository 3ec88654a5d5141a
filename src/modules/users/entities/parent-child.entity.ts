import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';

@Entity('parent_children')
export class ParentChild {
  @PrimaryColumn({ type: 'uuid' })
  parentId!: string;

  @Index('ix_parent_children_child_id')
  @PrimaryColumn({ type: 'uuid' })
  childId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_parent_children_parent' })
  parent?: User;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'child_id', foreignKeyConstraintName: 'fk_parent_children_child' })
  child?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
